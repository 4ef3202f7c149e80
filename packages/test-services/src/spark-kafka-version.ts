/**
 * The Spark version of the Kafka source jars the Spark tests load. Maven Central serves
 * `spark-sql-kafka-0-10_2.13` up to 4.2.0 while the tests pin PySpark 4.3.0; the source's
 * API is unchanged between them.
 */
export const SPARK_KAFKA_VERSION = '4.2.0'
